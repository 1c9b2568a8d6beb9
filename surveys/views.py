"""The surveys' pages for people at an employer: their own survey invitations and the questionnaire."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from asye import clock
from asye.web.decorators import employer_view
from asye.web.flow import form_page
from asye.web.forms import posted
from surveys import selectors, services
from surveys.forms import AnswerForm


@employer_view()
@require_GET
def mine(request):
    return render(
        request,
        "surveys/mine.html",
        {"invitations": selectors.invitation_list_own(actor=request.actor), "today": clock.today()},
    )


@employer_view()
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, pk: int):
    actor = request.actor
    invitation = selectors.invitation_get_own(actor=actor, pk=pk)
    today = clock.today()
    questionnaire = selectors.questionnaire_for(invitation=invitation)
    if invitation.answered or not invitation.round.is_open(today):
        return render(
            request,
            "surveys/answer_closed.html",
            {"invitation": invitation, "questionnaire": questionnaire, "today": today},
        )
    questions = selectors.questions_for(invitation=invitation)
    return form_page(
        request,
        AnswerForm(posted(request), questions=questions),
        template="surveys/answer.html",
        context={"invitation": invitation, "questionnaire": questionnaire},
        save=lambda data: services.survey_answer_submit(
            actor=actor, invitation=invitation, answers=services.clean_answers(questions, data)
        ),
        done=lambda saved: redirect("surveys:mine"),
        message="Thank you: your answers have been sent anonymously",
    )

"""Load the 360 evaluation framework of 2023 (33 statements in four themes) and the national figures the
seed report printed for 2022-23 and 2023-24 (the national ASYE annual report 2023-24, §3.6).

Wording: as printed, except where the report cut a statement short (2, 3 and 14, completed as the
sentence plainly ends) and statement 18, which repeats the second sentence of 15 with "them" for its
subject (given as "supervisors/assessors"); theme 2's "AYSE" is spelled "ASYE". docs/evaluation-360.md
lists these. Figures are loaded exactly as printed, statement 8's minimum of 0.0 included.
"""

from decimal import Decimal

from django.db import migrations

CODE = "asye-360-2023"
SOURCE = "National ASYE annual report 2023-24 (child and family), section 3.6"
THEMES = {
    1: "The NQSW experience is central to the ASYE",
    2: "The ASYE programme is delivered in accordance with the ASYE framework and employer standards",
    3: "The ASYE programme ensures that PQS (previously KSS) and the PCF underpin NQSW professional practice",
    4: "The ASYE programme is integrated within the wider organisational system",
}
# (theme, number, text, 2023-24 (average, minimum, maximum), 2022-23 (average, minimum, maximum))
STATEMENTS = [
    (
        1,
        1,
        "Feedback is proactively sought by employers through mechanisms such as the 360-degree evaluation tool to ensure NQSWs are active participants rather than passive recipients in their ASYE",
        ("3.6", "2.0", "4.8"),
        ("3.5", "2.0", "4.3"),
    ),
    (
        1,
        2,
        "NQSWs - along with other stakeholders (i.e. ASYE supervisors/assessors, and people who need care and support and their carers, this includes children and young people) are able to make a meaningful contribution to ASYE quality assurance and continuous improvement",
        ("3.6", "2.5", "5.0"),
        ("3.6", "2.3", "4.6"),
    ),
    (
        1,
        3,
        "NQSW wellbeing is prioritised from the beginning of the ASYE and NQSWs are made aware of the support structures available to them within the organisation from the outset of their ASYE and how to access this support, such as buddying and peer support networks",
        ("3.9", "2.4", "5.0"),
        ("3.9", "2.4", "4.7"),
    ),
    (
        1,
        4,
        "Equality, diversity and inclusion is central to the ASYE programme, ensuring that all NQSWs are offered an ASYE experience which is tailored to their individual needs, including cultural and learning needs",
        ("3.8", "3.0", "5.0"),
        ("3.9", "3.0", "5.0"),
    ),
    (
        1,
        5,
        "ASYE programmes have policies in place to ensure their NQSWs and those supporting them practice from an anti-racist perspective",
        ("3.8", "3.2", "5.0"),
        ("3.9", "3.0", "4.7"),
    ),
    (
        1,
        6,
        "ASYE programmes have an equality and diversity framework in place to ensure their NQSWs and those supporting them are not treated unfairly or discriminated against because of their background or characteristics",
        ("3.9", "2.5", "5.0"),
        ("3.9", "3.0", "4.7"),
    ),
    (
        1,
        7,
        "The organisation has mechanisms in place to gather, monitor data, that is reflective of the diversity of the organisations workforce; then take action where necessary so that employees from a diverse background are not disadvantaged.",
        ("3.7", "2.5", "5.0"),
        ("3.7", "2.8", "4.5"),
    ),
    (
        1,
        8,
        "NQSWs are encouraged to engage with the National ASYE Framework via the quarterly NQSW online forums",
        ("3.5", "0.0", "4.9"),
        ("3.4", "0.0", "4.7"),
    ),
    (
        2,
        9,
        "The transition from student to NQSW clearly identifies the individual support and development needs of NQSWs",
        ("4.0", "2.5", "5.0"),
        ("4.0", "2.9", "4.8"),
    ),
    (2, 10, "Every NQSW has a Personal Development Plan (PDP)", ("4.4", "3.0", "5.0"), ("4.4", "3.2", "5.0")),
    (
        2,
        11,
        "The support and development needs of NQSWs are clearly identified, recorded, and reviewed via a personal development plan at each stage of the ASYE process",
        ("4.3", "2.5", "5.0"),
        ("4.2", "2.7", "5.0"),
    ),
    (
        2,
        12,
        "NQSWs receive regular reflective supervision (i.e. weekly for first six weeks, fortnightly for first six months, monthly thereafter) from a registered social worker who has demonstrable skills and experience in developing others",
        ("4.1", "2.5", "5.0"),
        ("4.1", "3.0", "5.0"),
    ),
    (
        2,
        13,
        "NQSWs receive workload relief appropriate to their stage in the programme. Complexity of case work is relevant to the individual NQSW and gradually increases through the ASYE. Overall, the level of workload does not exceed 90% (of the average case load)",
        ("3.7", "2.0", "5.0"),
        ("3.7", "2.3", "4.8"),
    ),
    (
        2,
        14,
        "Protected time is made available for NQSWs to undertake personalised continuing professional development (CPD) activities, in line with Social Work England requirements, ASYE dedicated training events and other peer learning opportunities such as action learning sets",
        ("3.9", "2.7", "5.0"),
        ("3.9", "2.7", "4.8"),
    ),
    (
        2,
        15,
        "The support needs of supervisors/assessors are addressed in ways appropriate to them. Employers should make it possible for them to access peer support through such things as action learning sets and the quarterly ASYE Assessors' online forum",
        ("3.7", "2.4", "5.0"),
        ("3.6", "2.3", "4.4"),
    ),
    (
        2,
        16,
        "NQSWs have access to learning opportunities relevant to their individual and collective development needs",
        ("4.2", "3.0", "5.0"),
        ("4.2", "3.2", "4.9"),
    ),
    (
        2,
        17,
        "Supervisors/assessors have access to learning opportunities relevant to their individual and collective development needs",
        ("3.8", "2.5", "5.0"),
        ("3.8", "2.7", "4.8"),
    ),
    (
        2,
        18,
        "Employers should make it possible for supervisors/assessors to access peer support through such things as action learning sets and the quarterly ASYE Assessors' online forum",
        ("3.7", "2.0", "4.7"),
        ("3.7", "2.0", "4.7"),
    ),
    (
        2,
        19,
        "All aspects of the ASYE programme place emphasis on the importance of critically reflective practice",
        ("4.2", "3.0", "5.0"),
        ("4.2", "3.0", "4.8"),
    ),
    (
        2,
        20,
        "There is an emphasis on progressive development and assessment evidence is provided by different people, in different situations and over the duration of the ASYE",
        ("4.1", "2.5", "5.0"),
        ("4.1", "3.0", "4.8"),
    ),
    (
        2,
        21,
        "Feedback gathered from people, including children and young people who need care and support, through direct observations is addressed within the assessment process",
        ("4.2", "2.5", "5.0"),
        ("4.2", "3.0", "4.8"),
    ),
    (
        2,
        22,
        "Both NQSWs and supervisors have a clear understanding of what is required of them with regard to the sufficiency and quality of evidence",
        ("4.0", "2.5", "5.0"),
        ("4.0", "2.7", "4.8"),
    ),
    (
        2,
        23,
        "Assessment outcomes are accurate, valid, robust and sufficient",
        ("4.1", "2.5", "5.0"),
        ("4.0", "3.0", "5.0"),
    ),
    (
        3,
        24,
        "Links are in place with partner universities so that students have understanding about the PQS in advance of their graduation",
        ("3.7", "2.0", "5.0"),
        ("3.7", "1.8", "5.0"),
    ),
    (
        3,
        25,
        "The NQSW is informed about the PQS and the ASYE and the associated organisational expectations as part of the recruitment process",
        ("3.8", "2.5", "5.0"),
        ("3.9", "2.0", "4.7"),
    ),
    (
        3,
        26,
        "All those involved in the ASYE (NQSWs, supervisors, managers) receive the support they need to understand their role in relation to the development of social work practice underpinned by the PQS and the PCF",
        ("3.8", "2.5", "4.7"),
        ("3.8", "2.5", "4.6"),
    ),
    (
        3,
        27,
        "The PQS and the PCF are mapped against all the available learning and development opportunities provided by the organisation in relation to the ASYE",
        ("3.9", "2.3", "5.0"),
        ("3.9", "2.3", "4.8"),
    ),
    (3, 28, "ASYE assessment is based on the PQS and the PCF", ("4.2", "3.0", "5.0"), ("4.2", "2.9", "4.8")),
    (
        4,
        29,
        "The organisation takes ownership of the supervisor/assessor's assessment recommendations through an internal moderation panel",
        ("4.1", "2.0", "5.0"),
        ("4.1", "2.0", "5.0"),
    ),
    (
        4,
        30,
        "A clear and transparent quality assurance and continuous improvement process is in place within the organisation. Identified improvement actions are monitored and reviewed",
        ("3.9", "2.3", "5.0"),
        ("3.9", "2.3", "5.0"),
    ),
    (
        4,
        31,
        "The ASYE is embedded within the workforce strategy and forms part of clearly defined career and CPD pathways for qualified social workers",
        ("4.0", "1.8", "4.8"),
        ("4.0", "1.8", "4.8"),
    ),
    (
        4,
        32,
        "The ASYE is integrated within human resources and performance management processes",
        ("3.9", "1.0", "4.8"),
        ("3.9", "1.0", "4.7"),
    ),
    (
        4,
        33,
        "Senior management are aware of their key role as leaders in championing the success of the ASYE programme. This includes ensuring that NQSW's are not over-burdened with their caseloads and that protected CPD and development time is adhered to",
        ("3.7", "2.0", "5.0"),
        ("3.7", "2.5", "5.0"),
    ),
]


def load(apps, schema_editor):
    Framework = apps.get_model("evaluations", "EvaluationFramework")
    Theme = apps.get_model("evaluations", "EvaluationTheme")
    Statement = apps.get_model("evaluations", "EvaluationStatement")
    Figure = apps.get_model("evaluations", "NationalReferenceFigure")
    framework, _ = Framework.objects.update_or_create(
        code=CODE,
        defaults={"name": "ASYE 360-degree evaluation (33 statements)", "first_year": 2022, "source": SOURCE},
    )
    themes = {
        number: Theme.objects.update_or_create(framework=framework, number=number, defaults={"title": title})[
            0
        ]
        for number, title in THEMES.items()
    }
    for theme, number, text, this_year, last_year in STATEMENTS:
        statement, _ = Statement.objects.update_or_create(
            theme=themes[theme], number=number, defaults={"text": text}
        )
        for year, (average, minimum, maximum) in ((2023, this_year), (2022, last_year)):
            Figure.objects.update_or_create(
                statement=statement,
                year=year,
                defaults={
                    "average": Decimal(average),
                    "minimum": Decimal(minimum),
                    "maximum": Decimal(maximum),
                    "source": SOURCE,
                },
            )


def unload(apps, schema_editor):
    Framework = apps.get_model("evaluations", "EvaluationFramework")
    apps.get_model("evaluations", "NationalReferenceFigure").objects.filter(
        statement__theme__framework__code=CODE
    ).delete()
    apps.get_model("evaluations", "EvaluationStatement").objects.filter(theme__framework__code=CODE).delete()
    apps.get_model("evaluations", "EvaluationTheme").objects.filter(framework__code=CODE).delete()
    Framework.objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_cycles_invitations_responses")]

    operations = [migrations.RunPython(load, unload)]

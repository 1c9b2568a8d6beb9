"""Evidence, observations, feedback, reflections, learning agreement, PDP and the portfolio PDF."""

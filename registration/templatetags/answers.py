"""Answers to the registration questions on staff pages: at check-in (the questions marked
"show at the desk") and on the dashboard (how many picked each choice)."""

from django import template

from registration import shown_answers as answers
from registration.models import Registration
from registration.staff.scope import scope_for

register = template.Library()


@register.simple_tag
def desk_answers(registration: Registration) -> list[answers.ShownAnswer]:
    """``{% desk_answers registration as answers %}``: what the desk should see."""
    return answers.shown_answers(registration, desk=True)


@register.simple_tag
def answer_counts(conference, user) -> list[answers.QuestionCount]:
    """``{% answer_counts conference user as counts %}``: per choice and yes / no, how many
    confirmed registrations answered it, among the people ``user`` may see."""
    people = scope_for(user).registrations(Registration.objects.filter(conference=conference))
    return answers.answer_counts(conference, people=people)

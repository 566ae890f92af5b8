"""The score and survey panels of the home page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from common import clock

from .cards import score_card
from .surveys import open_surveys_for_head

# --- home panels ------------------------------------------------------------------------------------------


def home_score(request, contract) -> dict | None:
    """The home page shows a placeholder that loads the score panel once the page is up (htmx), so the
    home page itself does not compute the score."""
    if contract is None or not request.user.has_perm("performance.view_score"):
        return None
    return {
        "title": gettext_lazy("绩效得分"),
        "icon": "speedometer2",
        "url_name": "performance:home_panel",
        "testid": "score-panel",
    }


def home_score_panel(contract) -> dict:
    """The contract period's score so far, part by part (bureau admin, PM)."""
    return {"card": score_card(contract), "contract": contract}


def home_head_survey(request, contract) -> dict | None:
    """Surveys waiting for the department head's answer."""
    pending = open_surveys_for_head(request.user)
    return {"pending": pending, "today": clock.today()}

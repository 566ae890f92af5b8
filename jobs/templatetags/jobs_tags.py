from django import template

from ..summaries import summary_text

register = template.Library()


@register.filter
def job_summary(summary):
    """A job run's summary in the page's language (``jobs.summaries``)."""
    return summary_text(summary or "")

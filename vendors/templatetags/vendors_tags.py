"""``{% certification_badges provider %}``: the "HIPAA expired" badges of a provider, wherever it is shown."""

from django import template
from django.utils import timezone

from vendors.certifications import certification_problems
from vendors.models import Provider

register = template.Library()


@register.inclusion_tag("includes/certification_badges.html")
def certification_badges(provider: Provider) -> dict:
    """Badges for the provider's required certifications that are expired or missing today."""
    return {"problems": certification_problems(provider, on=timezone.localdate()), "provider": provider}

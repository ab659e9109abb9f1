"""``{% compare_url provider %}``: the comparison page for a provider's category, from its scorecard panel."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from contracts.models import ServiceCategory
from vendors.models import Provider

register = template.Library()


@register.simple_tag
def compare_url(provider: Provider) -> str:
    """The comparison of the providers of its first service category (by name); the bare page without one."""
    page = reverse("scorecards:compare")
    category = (
        ServiceCategory.objects.filter(processes__contracts__provider=provider).order_by("name").distinct().first()
    )
    return f"{page}?{urlencode({'category': category.code})}" if category else page

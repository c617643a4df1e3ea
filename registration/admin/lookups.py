"""Changelists that accept only the filters they declare."""

from django.contrib import admin

# The query-string forms of a declared filter: field (all values), choices, booleans and
# relations (__exact, __id__exact), dates (__gte/__lt), empty or not (__isnull).
FILTER_SUFFIXES = ("", "__exact", "__id__exact", "__gte", "__lt", "__isnull")
DATE_HIERARCHY_SUFFIXES = ("__year", "__month", "__day")


class DeclaredLookupsOnly:
    """A ModelAdmin mixin: the changelist accepts only the query parameters of its declared
    filters (``list_filter``, ``date_hierarchy``; search is ``q``). Django's default accepts
    any lookup on a local field (``?email__regex=^a``), which reads data by bisection and
    turns a malformed regex into a server error. Anything else raises
    DisallowedModelAdminLookup: Django answers 400 with its plain error page."""

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        return lookup in self.declared_lookups(request)

    def declared_lookups(self, request) -> set[str]:
        allowed = set()
        filters = self.get_list_filter(request) if request is not None else self.list_filter
        for item in filters:
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                allowed.add(item.parameter_name)
                continue
            path = item[0] if isinstance(item, (list, tuple)) else item
            allowed.update(f"{path}{suffix}" for suffix in FILTER_SUFFIXES)
        if self.date_hierarchy:
            allowed.update(f"{self.date_hierarchy}{suffix}" for suffix in DATE_HIERARCHY_SUFFIXES)
        return allowed

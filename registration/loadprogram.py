"""Plain helpers about the generated load-test program (generate_demo_load), kept free of
Django imports so that the benchmarks that read the database directly (bench/chaos.py) can
use them too."""


def two_free_slots(forums) -> list[list]:
    """Two groups of parallel forums that do not overlap: those starting first, and those
    starting first once all of them have ended (beyond 12 forums the program holds short
    forums inside the long ones' hours, which a registration may not pick together).
    ``forums``: anything with ``starts_at`` and ``ends_at``."""
    ordered = sorted(forums, key=lambda forum: forum.starts_at)
    first = [forum for forum in ordered if forum.starts_at == ordered[0].starts_at]
    free_from = max(forum.ends_at for forum in first)
    later = [forum for forum in ordered if forum.starts_at >= free_from]
    if not later:
        return [first]
    return [first, [forum for forum in later if forum.starts_at == later[0].starts_at]]

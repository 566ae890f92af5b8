"""Who may use the knowledge base and the portal-wide search: the vendor writes articles, the bureau's
request users read public ones; the search box is for anyone who reads requests or articles."""

from accounts.roles import Role

from . import Rule, once_per_world

READERS = frozenset({Role.STAFF, Role.DEPT_HEAD, Role.BUREAU_ADMIN, Role.ENGINEER, Role.PM})
WRITERS = frozenset({Role.ENGINEER, Role.PM})


@once_per_world
def _article(world):
    from kb import services

    return services.article_create(
        actor=world.pm,
        title="养老调资批量处理步骤",
        problem="每年 7 月调资",
        steps="1. 备份",
        visibility="public",
    )


def article_pk(world):
    return {"pk": _article(world).pk}


RULES = {
    "kb:list": Rule(READERS),
    "kb:create": Rule(WRITERS, methods=("GET", "POST")),
    # Articles are the contract's, not a department's: public ones are read by every request user.
    "kb:detail": Rule(READERS, kwargs=article_pk, unscoped="知识库文章不属于科室"),
    "kb:edit": Rule(WRITERS, methods=("GET", "POST"), kwargs=article_pk, unscoped="知识库文章不属于科室"),
    "kb:vote": Rule(READERS, methods=("POST",), kwargs=article_pk, unscoped="知识库文章不属于科室"),
    # The request is looked up among those the writer can open (a number they cannot open is "not found").
    "kb:link": Rule(WRITERS, methods=("POST",), kwargs=article_pk, unscoped="知识库文章不属于科室"),
    "kb:search": Rule(READERS),
}

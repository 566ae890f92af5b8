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


@once_per_world
def _attachment(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kb import services

    upload = SimpleUploadedFile("调资脚本说明.txt", b"steps", content_type="text/plain")
    return services.article_attach(actor=world.pm, article=_article(world), upload=upload)


def attachment_pk(world):
    return {"pk": _attachment(world).pk}


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
    "kb:attach": Rule(WRITERS, methods=("POST",), kwargs=article_pk, unscoped="知识库文章不属于科室"),
    # Whoever reads the article reads its files (a download: no-store, audited as an export).
    "kb:attachment": Rule(READERS, kwargs=attachment_pk, unscoped="知识库文章不属于科室"),
}

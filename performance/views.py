"""Pages of the score and the satisfaction survey. Views parse input, check permission, call one
service and redirect; reads go through ``selectors``."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.errors import apply_service_error, error_messages
from common.permissions import deny, require_perm
from contracts.decorators import contract_required
from contracts.rules import tier_bands
from contracts.workdays import CalendarNotLoaded

from . import rules, selectors, services
from .forms import AdjustForm, AnswerForm, LockForm, SendSurveyForm, UnlockForm
from .rules import Outcome

PAGE_SIZE = 25
OUTCOME_FILTERS = [
    ("against", "计为未达标"),
    ("for", "计为达标"),
    ("pending", "未计入"),
    ("all", "全部"),
]


def _score_context(request, contract, period, **forms) -> dict:
    evidence = selectors.Evidence(contract)
    card = selectors.score_card(contract, period, evidence=evidence)
    user = request.user
    is_contract = period.kind == rules.PeriodKind.CONTRACT
    context = {
        "contract": contract,
        "card": card,
        "period": period,
        "periods": selectors.periods_of(contract),
        "is_contract_period": is_contract,
        "can_adjust": is_contract and user.has_perm("performance.adjust_score") and not card.locked,
        "can_lock": is_contract and user.has_perm("performance.lock_score"),
        "period_over": clock.today() > contract.end_on,
        "today": clock.today(),
        "bands": tier_bands(card.tiers),
    }
    if is_contract:
        context["history"] = selectors.score_history(contract)
    if context["can_adjust"]:
        context["adjust_form"] = forms.get("adjust_form") or AdjustForm(weights=contract.weights)
    if context["can_lock"]:
        context["lock_form"] = forms.get("lock_form") or LockForm()
        context["unlock_form"] = forms.get("unlock_form") or UnlockForm()
    return context


@require_GET
@require_perm("performance.view_score")
@contract_required
def score(request, contract):
    period = selectors.period_or_404(contract, request.GET.get("period", ""))
    return render(request, "performance/score.html", _score_context(request, contract, period))


@require_GET
@require_perm("performance.view_score")
@contract_required
def part_detail(request, period: str, part: str, contract):
    """The cases behind one figure: what counted for and against it, paginated."""
    if part not in rules.PART_KEYS:
        raise Http404("no such part")
    period_obj = selectors.period_or_404(contract, period)
    card = selectors.score_card(contract, period_obj)
    line = card.part(part)
    context = {"contract": contract, "card": card, "period": period_obj, "line": line, "part": part}
    try:
        cases, lock = selectors.part_cases(contract, period_obj, part)
    except CalendarNotLoaded as exc:
        context["not_loaded"] = exc
        return render(request, "performance/part_detail.html", context)
    counts = {o.value: 0 for o in Outcome}
    for case in cases:
        counts[case.outcome.value] += 1
    counts["all"] = len(cases)
    outcome = request.GET.get("outcome") or ("against" if counts["against"] else "all")
    if outcome not in counts:
        outcome = "all"
    shown = cases if outcome == "all" else [c for c in cases if c.outcome.value == outcome]
    if part == "attendance":
        shown = sorted(shown, key=lambda c: (c.ref.split(":")[1], c.ref))
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    people = lock.snapshot.get("people", {}) if lock is not None else {}
    context.update(
        page=page,
        rows=selectors.case_rows(part, page.object_list, people=people),
        outcome=outcome,
        counts=counts,
        filters=[(key, _(label), counts[key]) for key, label in OUTCOME_FILTERS],  # in the request's language
        from_snapshot=lock is not None,
    )
    return render(request, "performance/part_detail.html", context)


@require_POST
@require_perm("performance.adjust_score")
@contract_required
def adjust(request, contract):
    form = AdjustForm(request.POST, weights=contract.weights)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.score_adjust(
                contract=contract,
                part=data["part"],
                score=data["score"],
                reason=data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
        else:
            label = selectors.PART_LABELS[data["part"]]
            if data["score"] is None:
                messages.success(request, _("已取消“%(part)s”的调整，恢复按公式计算。") % {"part": label})
            else:
                messages.success(
                    request,
                    _("已将“%(part)s”调整为 %(score)s 分，理由已记入审计日志。")
                    % {"part": label, "score": data["score"]},
                )
            return redirect(reverse("performance:score"))
    period = rules.contract_period(contract.start_on, contract.end_on)
    context = _score_context(request, contract, period, adjust_form=form)
    context["show_adjust"] = True
    return render(request, "performance/score.html", context, status=200)


@require_POST
@require_perm("performance.lock_score")
@contract_required
def lock(request, contract):
    form = LockForm(request.POST)
    if form.is_valid():
        try:
            locked = services.score_lock(
                contract=contract, actor=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            for message in error_messages(exc):
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("最终得分已锁定：%(total)s 分，付款比例 %(ratio)s%%。")
                % {"total": locked.total, "ratio": f"{locked.pay_ratio.normalize():f}"},
            )
    return redirect(reverse("performance:score"))


@require_POST
@require_perm("performance.lock_score")
@contract_required
def unlock(request, contract):
    form = UnlockForm(request.POST)
    if form.is_valid():
        try:
            services.score_unlock(contract=contract, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in error_messages(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("最终得分已解锁，得分恢复为暂定；解锁理由已记入审计日志。"))
            return redirect(reverse("performance:score"))
    period = rules.contract_period(contract.start_on, contract.end_on)
    context = _score_context(request, contract, period, unlock_form=form)
    context["show_unlock"] = True
    return render(request, "performance/score.html", context)


@require_GET
@require_perm("performance.view_score")
@contract_required
def home_panel(request, contract):
    """The score panel of the home page, loaded after the page (see ``selectors.home_score``)."""
    return render(request, "performance/home/score.html", selectors.home_score_panel(contract))


# --- surveys ----------------------------------------------------------------------------------------------


def require_any_perm(*perms: str):
    """Login, then at least one of ``perms`` (the survey list serves heads and results readers)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(request.user.has_perm(p) for p in perms):
                deny(request, "missing one of " + ",".join(perms))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@require_GET
@require_any_perm("performance.view_survey_results", "performance.answer_survey")
@contract_required
def survey_list(request, contract):
    user = request.user
    qs = selectors.survey_list(user, contract).order_by("-period_end", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "contract": contract,
        "page": page,
        "is_head": user.has_perm("performance.answer_survey"),
        "can_manage": user.has_perm("performance.manage_survey"),
        "can_results": user.has_perm("performance.view_survey_results"),
        "today": clock.today(),
        "heads": selectors.department_heads().count(),
    }
    mine = selectors.own_answers(user, page.object_list) if context["is_head"] else {}
    context["rows"] = [(s, mine.get(s.pk)) for s in page.object_list]
    return render(request, "performance/survey_list.html", context)


@require_GET
@require_perm("performance.view_survey_results")
def survey_detail(request, pk: int):
    survey = selectors.survey_for(request.user, pk)
    results = selectors.survey_results(survey)
    page = Paginator(selectors.survey_answers(survey), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "performance/survey_detail.html",
        {
            "survey": survey,
            "results": results,
            "page": page,
            "can_manage": request.user.has_perm("performance.manage_survey"),
            "today": clock.today(),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("performance.answer_survey")
def survey_answer(request, pk: int):
    survey = selectors.survey_for(request.user, pk)
    existing = selectors.own_answer(request.user, survey)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.survey_answer(
                survey=survey,
                respondent=request.user,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_service_error(form, exc)
            else:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect(reverse("performance:survey_answer", args=[survey.pk]))
        else:
            messages.success(request, _("感谢您的答复：%(title)s已提交。") % {"title": survey.title})
            return redirect(reverse("performance:survey_answer", args=[survey.pk]))
    elif request.method == "POST" and existing is not None:
        messages.warning(request, _("您已答复过本期满意度调查，答复提交后不能更改。"))
        return redirect(reverse("performance:survey_answer", args=[survey.pk]))
    return render(
        request,
        "performance/survey_answer.html",
        {"survey": survey, "answer": existing, "form": form, "today": clock.today()},
    )


@require_http_methods(["GET", "POST"])
@require_perm("performance.manage_survey")
@contract_required
def survey_send(request, contract):
    today = clock.today()
    sent = set(selectors.surveys_for(request.user, contract).values_list("period_start", "period_end"))
    candidates = [
        p
        for p in rules.survey_periods(contract.start_on, contract.end_on, contract.survey_period)
        if p.start <= today and (p.start, p.end) not in sent
    ]
    form = SendSurveyForm(request.POST or None, periods=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_send(
                contract=contract, period=form.cleaned_data["period"], actor=request.user
            )
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("%(title)s已发给各科室负责人。") % {"title": survey.title})
            return redirect(reverse("performance:survey_detail", args=[survey.pk]))
    return render(
        request,
        "performance/survey_send.html",
        {"contract": contract, "form": form, "candidates": candidates},
    )


@require_POST
@require_perm("performance.manage_survey")
def survey_remind(request, pk: int):
    survey = selectors.survey_for(request.user, pk)
    try:
        count = services.survey_remind(survey=survey, actor=request.user)
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("已提醒 %(n)s 位尚未答复的科室负责人。") % {"n": count})
    return redirect(reverse("performance:survey_detail", args=[survey.pk]))


@require_POST
@require_perm("performance.manage_survey")
def survey_close(request, pk: int):
    survey = selectors.survey_for(request.user, pk)
    try:
        services.survey_close(survey=survey, actor=request.user)
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("%(title)s已关闭，不再接受答复。") % {"title": survey.title})
    return redirect(reverse("performance:survey_detail", args=[survey.pk]))

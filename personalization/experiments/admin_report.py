"""Admin pages: an experiment's report, "Stop and ship the winner", the personalization holdout.

They live under /admin/ in the admin's look and behind its sign-in (`admin_site.admin_view`);
the report needs permission to view experiments, shipping a winner permission to change them.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import stats
from .holdout import holdout_report
from .models import Arm, Experiment, ExperimentStatus, Metric
from .reports import METRICS, experiment_report, headline
from .ship import experiment_ship, ship_plan


def _model_admin():
    """The experiments' ModelAdmin: its permission checks (which kinds a staff member may
    manage) decide here too."""
    return admin.site.get_model_admin(Experiment)


def _context(request: HttpRequest, title: str, **extra) -> dict:
    return {
        **admin.site.each_context(request),
        "title": title,
        "opts": Experiment._meta,
        **extra,
    }


def _experiment(request: HttpRequest, pk: int) -> Experiment:
    # The admin's own queryset: staff see only the kinds of test they manage.
    experiment = get_object_or_404(
        _model_admin().get_queryset(request).select_related("slot", "segment", "winner"), pk=pk
    )
    if not _model_admin().has_view_permission(request, experiment):
        raise PermissionDenied
    return experiment


def experiment_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = _experiment(request, pk)
    report = experiment_report(experiment)
    can_ship = (
        _model_admin().has_change_permission(request, experiment)
        and experiment.status == ExperimentStatus.RUNNING
    )
    return TemplateResponse(
        request,
        "admin/experiments/experiment/report.html",
        _context(
            request,
            _("Report: %(name)s") % {"name": experiment.name},
            original=experiment,
            report=report,
            headline=headline(report),
            can_ship=can_ship,
            minimum_visitors=stats.MINIMUM_VISITORS,
            minimum_conversions=stats.MINIMUM_CONVERSIONS,
        ),
    )


@require_http_methods(["GET", "POST"])
def experiment_ship_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: say what shipping the chosen arm will do; POST: do it."""
    experiment = _experiment(request, pk)
    if not _model_admin().has_change_permission(request, experiment):
        raise PermissionDenied
    report_url = reverse("experiments_report", args=[experiment.pk])
    if experiment.status != ExperimentStatus.RUNNING:
        messages.warning(request, _("This experiment is not running."))
        return HttpResponseRedirect(report_url)
    arm = get_object_or_404(
        Arm.objects.select_related("variant"),
        experiment=experiment,
        pk=request.POST.get("arm") or request.GET.get("arm") or 0,
    )
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        experiment_ship(experiment=experiment, winner=arm, now=timezone.now())
        messages.success(
            request,
            _("“%(experiment)s” is stopped; “%(arm)s” is shipped.")
            % {"experiment": experiment.name, "arm": arm.name},
        )
        return HttpResponseRedirect(report_url)
    return TemplateResponse(
        request,
        "admin/experiments/experiment/ship.html",
        _context(
            request,
            _("Stop and ship the winner"),
            original=experiment,
            plan=ship_plan(experiment=experiment, winner=arm),
            report_url=report_url,
        ),
    )


def holdout_report_view(request: HttpRequest) -> HttpResponse:
    if not _model_admin().has_view_permission(request):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "admin/experiments/holdout.html",
        _context(
            request,
            _("Personalization holdout"),
            report=holdout_report(),
            metrics=[METRICS[Metric.CONVERSION], METRICS[Metric.REVENUE]],
        ),
    )


@admin.display(description=gettext_lazy("Report"))
def report_link(experiment: Experiment) -> str:
    """A list_display column: the link to the experiment's report."""
    return format_html(
        '<a href="{}">{}</a>', reverse("experiments_report", args=[experiment.pk]), _("Report")
    )


def urls() -> list:
    site = admin.site
    return [
        path(
            "experiment/<int:pk>/report/",
            site.admin_view(experiment_report_view),
            name="experiments_report",
        ),
        path(
            "experiment/<int:pk>/ship/",
            site.admin_view(experiment_ship_view),
            name="experiments_ship",
        ),
        path("holdout/", site.admin_view(holdout_report_view), name="experiments_holdout"),
    ]

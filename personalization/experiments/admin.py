from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.scheduling import LocalTimesAdminMixin

from ..models import Variant
from .admin_report import report_link
from .models import Arm, Experiment, ExperimentKind, ExperimentStatus, Metric
from .services import arms_problems, experiment_start, experiment_stop

KIND_PERMISSIONS = {
    ExperimentKind.SLOT: "experiments.manage_slot_experiments",
    ExperimentKind.OFFER: "experiments.manage_offer_experiments",
}


def kinds_allowed(user) -> list[str]:
    """The kinds of experiment a staff member may manage (superusers: all)."""
    return [kind for kind, perm in KIND_PERMISSIONS.items() if user.has_perm(perm)]


class ArmFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        arms = [
            (
                form.cleaned_data.get("key"),
                form.cleaned_data.get("weight"),
                form.cleaned_data.get("is_control", False),
                form.cleaned_data.get("variant"),
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        kind = self.instance.kind
        problems = arms_problems(kind=kind, slot_id=self.instance.slot_id, arms=arms)
        if problems:
            raise ValidationError(problems)


class ArmInline(admin.TabularInline):
    model = Arm
    formset = ArmFormSet
    extra = 2
    fields = ("key", "name", "weight", "is_control", "variant")
    autocomplete_fields = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "variant" and isinstance(field, forms.ModelChoiceField):
            # Only the experiment's slot's variants (a new experiment's are checked on save).
            experiment = vars(request).get("_experiment_editing")
            if experiment is not None and experiment.slot_id:
                field.queryset = Variant.objects.filter(slot_id=experiment.slot_id)
        return field


class ExperimentForm(forms.ModelForm):
    guardrail_metrics = forms.MultipleChoiceField(
        label=_("Guardrail metrics"),
        choices=Metric.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Metrics that must not get worse, e.g. return rate."),
    )

    class Meta:
        model = Experiment
        fields = (
            "name", "key", "hypothesis", "kind", "slot", "segment", "starts_at", "ends_at",
            "traffic_percent", "primary_metric", "guardrail_metrics", "winner",
        )  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        winner = self.fields.get("winner")
        if isinstance(winner, forms.ModelChoiceField):
            winner.queryset = (
                Arm.objects.filter(experiment=self.instance)
                if self.instance.pk
                else Arm.objects.none()
            )

    def clean(self):
        data = super().clean() or {}
        slot = data.get("slot")
        if (
            self.instance.status == ExperimentStatus.RUNNING
            and slot is not None
            and Experiment.objects.filter(slot=slot, status=ExperimentStatus.RUNNING)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise ValidationError(_("Another experiment is already running on this slot."))
        return data


@admin.register(Experiment)
class ExperimentAdmin(LocalTimesAdminMixin, admin.ModelAdmin):
    form = ExperimentForm
    inlines = [ArmInline]
    list_display = (
        "name", "key", "kind", "slot", "status", "traffic_percent", "starts_at", report_link,
    )  # fmt: skip
    list_filter = ("status", "kind")
    search_fields = ("name", "key")
    prepopulated_fields = {"key": ("name",)}
    readonly_fields = ("status", "started_at", "stopped_at")
    actions = ["start", "stop"]
    fieldsets = [
        (None, {"fields": ("name", "key", "hypothesis", "kind", "slot", "segment")}),
        (_("When"), {"fields": ("status", "starts_at", "ends_at", "started_at", "stopped_at")}),
        (
            _("Measuring"),
            {"fields": ("traffic_percent", "primary_metric", "guardrail_metrics", "winner")},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind__in=kinds_allowed(request.user))

    def get_form(self, request, obj=None, change=False, **kwargs):
        vars(request)["_experiment_editing"] = obj  # for the arms' variant choices
        form = super().get_form(request, obj, change=change, **kwargs)
        # The class is made for this request: only the kinds this staff member manages.
        kind = form.base_fields.get("kind")
        if isinstance(kind, forms.ChoiceField):
            kinds = kinds_allowed(request.user)
            kind.choices = [
                (value, label) for value, label in ExperimentKind.choices if value in kinds
            ]
        return form

    def _kind_allowed(self, request, obj) -> bool:
        return obj is None or obj.kind in kinds_allowed(request.user)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and bool(kinds_allowed(request.user))

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._kind_allowed(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._kind_allowed(request, obj)

    @admin.action(description=_("Start the selected experiments"), permissions=["change"])
    def start(self, request, queryset) -> None:
        for experiment in queryset:
            try:
                experiment_start(experiment=experiment, at=timezone.now())
            except ValidationError as error:
                self.message_user(
                    request, f"{experiment}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                self.message_user(request, _("%s is running.") % experiment, messages.SUCCESS)

    @admin.action(description=_("Stop the selected experiments"), permissions=["change"])
    def stop(self, request, queryset) -> None:
        for experiment in queryset.filter(status=ExperimentStatus.RUNNING):
            experiment_stop(experiment=experiment)
            self.message_user(request, _("%s is stopped.") % experiment, messages.SUCCESS)

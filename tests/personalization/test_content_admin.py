"""Editors at work: building segments in the admin, the value widgets that fit each fact,
previewing a segment, sharing a preview, and finding variants by state."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from personalization.models import Condition, Question, Segment, Slot, Variant
from personalization.preview import preview_token
from personalization.rules import condition_clean
from personalization.slots import content_changed
from tests.factories import UserFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db

SEGMENT_ADD = reverse("admin:personalization_segment_add")
VARIANT_ADD = reverse("admin:personalization_variant_add")
VARIANTS = reverse("admin:personalization_variant_changelist")
WIDGET = reverse("personalization:condition_widget")
PREVIEW_BAR = "Previewing as:"
HERO_DEFAULT = "Everything your pet needs, delivered across Japan"


@pytest.fixture
def editor(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor) -> Client:
    client.force_login(editor)
    return client


def segment_form(*rows: dict, **fields) -> dict:
    """The admin's segment form as the browser posts it, with one inline row per condition."""
    data = {
        "name": "Phones in Japan",
        "slug": "phones-in-japan",
        "description": "",
        "match": "all",
        "is_active": "on",
        "conditions-TOTAL_FORMS": str(len(rows)),
        "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "1000",
        "_save": "Save",
        **fields,
    }
    for index, row in enumerate(rows):
        data[f"conditions-{index}-position"] = str(index)
        data.update({f"conditions-{index}-{name}": value for name, value in row.items()})
    return data


def segment_with(name: str, *conditions: tuple[str, str, object]) -> Segment:
    segment = Segment.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    for position, (fact, operator, value) in enumerate(conditions):
        Condition.objects.create(
            segment=segment,
            fact=fact,
            operator=operator,
            value=condition_clean(fact, operator, value),
            position=position,
        )
    return segment


def hero_variant(headline: str, **fields) -> Variant:
    variant = Variant.objects.create(
        slot=Slot.objects.get(key="home-hero"), name=headline, headline=headline, **fields
    )
    content_changed()  # as the save signal does on commit
    return variant


class Controls(HTMLParser):
    """The form controls of an HTML fragment: selects (attributes and options), inputs, and
    checkboxes by name (value → the text of their label)."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.selects: dict[str, dict] = {}
        self.inputs: list[dict] = []
        self.checkboxes: dict[str, dict[str, str]] = {}
        self._select: dict | None = None
        self._option: str | None = None
        self._label: list[str] | None = None
        self._checkbox: dict | None = None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "select":
            self._select = {"attrs": attributes, "options": {}}
            self.selects[attributes["name"]] = self._select
        elif tag == "option" and self._select is not None:
            self._option = attributes["value"]
            self._select["options"][self._option] = ""
        elif tag == "label":
            self._label = []
        elif tag == "input":
            self.inputs.append(attributes)
            if attributes.get("type") == "checkbox" and self._label is not None:
                self._checkbox = attributes

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "label" and self._label is not None:
            if self._checkbox is not None:
                box = self._checkbox
                self.checkboxes.setdefault(box["name"], {})[box["value"]] = "".join(
                    self._label
                ).strip()
            self._label = self._checkbox = None

    def handle_data(self, data):
        if self._select is not None and self._option is not None:
            self._select["options"][self._option] += data.strip()
        if self._label is not None:
            self._label.append(data)


# Building a segment


def test_an_editor_can_open_the_segment_form(editor_client):
    # Answers are facts because a question asks for them, not because the code names them.
    Question.objects.create(key="pet", prompt="Dog or cat?", kind="single")
    response = editor_client.get(SEGMENT_ADD)
    assert response.status_code == 200
    controls = Controls(response.content.decode())
    fact = controls.selects["conditions-0-fact"]
    assert fact["attrs"]["hx-get"] == WIDGET
    # Named by the question's prompt, not its key.
    assert fact["options"]["answer.pet"] == "Dog or cat?"


def test_an_editor_builds_a_segment_with_two_conditions(editor_client, editor):
    response = editor_client.post(
        SEGMENT_ADD,
        segment_form(
            {"fact": "country", "operator": "eq", "value": ["JP"]},
            {"fact": "device", "operator": "eq", "value": ["mobile"]},
        ),
    )
    assert response.status_code == 302, page_text(response)
    segment = Segment.objects.get(slug="phones-in-japan")
    assert [(c.fact, c.operator, c.value, c.position) for c in segment.conditions.all()] == [
        ("country", "eq", "JP", 0),
        ("device", "eq", "mobile", 1),
    ]
    assert [str(c) for c in segment.conditions.all()] == ["Country is Japan", "Device is phone"]


def test_several_choices_are_kept_as_a_list(editor_client):
    editor_client.post(
        SEGMENT_ADD,
        segment_form(
            {"fact": "country", "operator": "in", "value": ["JP", "KR"]},
            {"fact": "answer.pet", "operator": "in", "value": "cat, dog"},
        ),
    )
    segment = Segment.objects.get(slug="phones-in-japan")
    assert [c.value for c in segment.conditions.all()] == [["JP", "KR"], ["cat", "dog"]]


def test_adding_a_segment_is_logged(editor_client, editor):
    editor_client.post(
        SEGMENT_ADD, segment_form({"fact": "country", "operator": "eq", "value": ["JP"]})
    )
    segment = Segment.objects.get()
    entry = LogEntry.objects.get(object_id=str(segment.pk))
    assert entry.action_flag == ADDITION
    assert entry.user == editor
    assert entry.object_repr == "Phones in Japan"


def test_an_unknown_fact_is_refused_and_nothing_is_saved(editor_client):
    response = editor_client.post(
        SEGMENT_ADD, segment_form({"fact": "shoe_size", "operator": "eq", "value": "42"})
    )
    assert response.status_code == 200
    assert "Select a valid choice. shoe_size is not one of the available choices." in (
        page_text(response)
    )
    assert not Segment.objects.exists()
    assert not Condition.objects.exists()


def test_a_value_that_is_not_a_choice_is_refused_and_nothing_is_saved(editor_client):
    response = editor_client.post(
        SEGMENT_ADD,
        segment_form(
            {"fact": "country", "operator": "eq", "value": ["XX"]},
            {"fact": "device", "operator": "eq", "value": ["mobile"]},
        ),
    )
    assert response.status_code == 200
    assert "Not a choice for Country: XX" in page_text(response)
    assert not Segment.objects.exists()


def test_an_operator_that_does_not_fit_the_fact_is_refused(editor_client):
    response = editor_client.post(
        SEGMENT_ADD, segment_form({"fact": "country", "operator": "gte", "value": ["JP"]})
    )
    assert response.status_code == 200
    assert "Select a valid choice. gte is not one of the available choices." in page_text(response)
    assert not Segment.objects.exists()


def test_a_number_that_is_not_a_number_is_refused_and_nothing_is_saved(editor_client):
    response = editor_client.post(
        SEGMENT_ADD,
        segment_form({"fact": "visits", "operator": "gte", "value_0": "abc", "value_1": ""}),
    )
    assert response.status_code == 200
    assert "The value for Visit number is missing or not valid." in page_text(response)
    assert not Segment.objects.exists()


def test_a_night_window_is_saved_from_two_times(editor_client):
    editor_client.post(
        SEGMENT_ADD,
        segment_form(
            {"fact": "local_time", "operator": "between", "value_0": "22:00", "value_1": "02:00"}
        ),
    )
    condition = Condition.objects.get()
    assert condition.value == ["22:00:00", "02:00:00"]


def test_a_segment_built_in_the_admin_shapes_the_next_page(
    editor_client, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            SEGMENT_ADD,
            segment_form(
                {"fact": "country", "operator": "eq", "value": ["JP"]},
                {"fact": "language", "operator": "eq", "value": ["en"]},
                name="English readers in Japan",
                slug="english-in-japan",
            ),
        )
    segment = Segment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            VARIANT_ADD,
            {
                "slot": Slot.objects.get(key="home-hero").pk,
                "name": "Autumn",
                "is_active": "on",
                "headline_en": "Autumn in Japan",
                "headline_ja": "",
                "body_en": "",
                "body_ja": "",
                "alt_text_en": "",
                "alt_text_ja": "",
                "cta_label_en": "",
                "cta_label_ja": "",
                "cta_url": "",
                "segment": segment.pk,
                "priority": "1",
                "language": "",
                "starts_at_0": "",
                "starts_at_1": "",
                "ends_at_0": "",
                "ends_at_1": "",
                "_save": "Save",
            },
        )
    assert response.status_code == 302, page_text(response)
    assert "Autumn in Japan" in page_text(client.get("/", headers={"Accept-Language": "en"}))


# The value widget that fits the fact (htmx)


def test_choosing_country_swaps_in_a_list_of_countries(editor_client):
    response = editor_client.get(WIDGET, {"conditions-0-fact": "country"})
    assert response.status_code == 200
    controls = Controls(response.content.decode())
    # Checkboxes, not a ctrl-click <select multiple>.
    assert "conditions-0-value" not in controls.selects
    value = controls.checkboxes["conditions-0-value"]
    assert value["JP"] == "Japan"
    assert value["GB"] == "United Kingdom"


def test_choosing_a_fact_swaps_its_operators_out_of_band(editor_client):
    response = editor_client.get(WIDGET, {"conditions-0-fact": "country"})
    operator = Controls(response.content.decode()).selects["conditions-0-operator"]
    assert operator["attrs"]["hx-swap-oob"] == "true"
    assert operator["attrs"]["id"] == "id_conditions-0-operator"
    assert operator["options"] == {
        "eq": "is",
        "in": "is one of",
        "not_in": "is none of",
        "is_set": "is known",
    }


def test_the_widget_keeps_the_row_prefix_of_an_added_row(editor_client):
    response = editor_client.get(WIDGET, {"conditions-3-fact": "device"})
    controls = Controls(response.content.decode())
    assert controls.checkboxes["conditions-3-value"]["mobile"] == "phone"
    assert controls.selects["conditions-3-operator"]["attrs"]["hx-swap-oob"] == "true"


def test_choosing_local_time_swaps_in_two_times(editor_client):
    response = editor_client.get(WIDGET, {"conditions-0-fact": "local_time"})
    assert response.status_code == 200
    controls = Controls(response.content.decode())
    times = [i for i in controls.inputs if i.get("type") == "time"]
    assert [i["name"] for i in times] == ["conditions-0-value_0", "conditions-0-value_1"]
    assert list(controls.selects["conditions-0-operator"]["options"]) == ["between"]


def test_choosing_an_answer_swaps_in_a_text_box(editor_client):
    response = editor_client.get(WIDGET, {"conditions-1-fact": "answer.pet"})
    controls = Controls(response.content.decode())
    assert [(i["type"], i["name"]) for i in controls.inputs] == [("text", "conditions-1-value")]
    assert "contains" in controls.selects["conditions-1-operator"]["options"]


def test_the_widget_endpoint_is_for_staff_only(client):
    client.force_login(UserFactory())
    response = client.get(WIDGET, {"conditions-0-fact": "country"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_widget_endpoint_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(WIDGET, {"conditions-0-fact": "country"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# What editors may not do


def test_an_editor_cannot_open_the_orders(editor_client):
    response = editor_client.get(reverse("admin:orders_order_changelist"))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))


def test_a_shopper_cannot_open_the_segment_admin(client):
    client.force_login(UserFactory())
    response = client.get(SEGMENT_ADD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# Previewing a segment, and sharing the preview


@pytest.fixture
def rainy_britain() -> Segment:
    segment = segment_with("Phones in Britain", ("country", "eq", "GB"), ("device", "eq", "mobile"))
    hero_variant("Rainy day cats", segment=segment, priority=1)
    return segment


def preview_segment(client, segment: Segment):
    url = reverse("personalization:preview_segment", args=[segment.pk])
    return client.get(url, {"next": "/"})


def test_previewing_a_segment_shows_its_variant(editor_client, rainy_britain):
    response = preview_segment(editor_client, rainy_britain)
    assert response.status_code == 302
    assert response["Location"] == "/"
    text = page_text(editor_client.get("/"))
    assert "Previewing as a visitor in “Phones in Britain”." in text
    assert f"{PREVIEW_BAR} Phones in Britain — United Kingdom · urban · phone" in text
    assert "Rainy day cats" in text
    assert HERO_DEFAULT not in text


def test_previewing_a_segment_changes_nothing_for_anyone_else(editor_client, rainy_britain):
    preview_segment(editor_client, rainy_britain)
    text = page_text(Client().get("/"))
    assert "Rainy day cats" not in text
    assert PREVIEW_BAR not in text


def test_the_segment_list_links_to_its_preview(editor_client, rainy_britain):
    response = editor_client.get(reverse("admin:personalization_segment_changelist"))
    url = reverse("personalization:preview_segment", args=[rainy_britain.pk])
    assert f'href="{url}?next=/"' in response.content.decode()


def shared_link(editor_client, segment: Segment) -> str:
    preview_segment(editor_client, segment)
    response = editor_client.get(reverse("personalization:preview_link"))
    assert response.status_code == 200
    return response.context["url"]


def test_a_shared_preview_link_shows_the_same_preview_to_a_colleague(editor_client, rainy_britain):
    url = shared_link(editor_client, rainy_britain)
    assert url.startswith("http://testserver/preview/open/")
    colleague = Client()
    response = colleague.get(url, follow=True)
    assert response.redirect_chain[-1] == ("/", 302)
    text = page_text(response)
    assert "Rainy day cats" in text
    assert f"{PREVIEW_BAR} Phones in Britain — United Kingdom · urban · phone" in text
    assert "Share a link" not in text  # staff-only controls stay with staff
    assert "Rainy day cats" in page_text(colleague.get("/"))


def test_a_tampered_preview_link_shows_an_error_and_no_preview(editor_client, rainy_britain):
    url = shared_link(editor_client, rainy_britain)
    token = url.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = Client().get(reverse("personalization:preview_open", args=[tampered]), follow=True)
    text = page_text(response)
    assert "This preview link has expired or is not valid." in text
    assert PREVIEW_BAR not in text
    assert "Rainy day cats" not in text


def test_an_expired_preview_link_shows_an_error_and_no_preview(monkeypatch, rainy_britain):
    five_hours_ago = timezone.now() - datetime.timedelta(hours=5)
    with monkeypatch.context() as past:
        past.setattr(
            signing.TimestampSigner,
            "timestamp",
            lambda self: signing.b62_encode(int(five_hours_ago.timestamp())),
        )
        token = preview_token({"country": "GB", "region": None, "device": "mobile"})
    response = Client().get(reverse("personalization:preview_open", args=[token]), follow=True)
    text = page_text(response)
    assert "This preview link has expired or is not valid." in text
    assert PREVIEW_BAR not in text
    assert "Rainy day cats" not in text


def test_a_fresh_link_with_the_same_facts_works(rainy_britain):
    token = preview_token({"country": "GB", "region": None, "device": "mobile"})
    response = Client().get(reverse("personalization:preview_open", args=[token]), follow=True)
    assert "Rainy day cats" in page_text(response)


def test_sharing_needs_a_preview_first(editor_client):
    response = editor_client.get(reverse("personalization:preview_link"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("personalization:preview")
    assert "Start a preview first." in page_text(response)


# Finding variants by state


@pytest.fixture
def variants_by_state() -> None:
    now = timezone.now()
    day = datetime.timedelta(days=1)
    hero_variant("Live now", priority=1)
    hero_variant("Live until tomorrow", priority=2, starts_at=now - day, ends_at=now + day)
    hero_variant("Starts tomorrow", priority=3, starts_at=now + day)
    hero_variant("Ended yesterday", priority=4, starts_at=now - 2 * day, ends_at=now - day)
    hero_variant("Switched off", priority=5, is_active=False, ends_at=now - day)


def listed(editor_client, **query) -> set[str]:
    response = editor_client.get(VARIANTS, query)
    assert response.status_code == 200
    return {variant.name for variant in response.context["cl"].result_list}


@pytest.mark.usefixtures("variants_by_state")
def test_the_variant_list_filters_live_variants(editor_client):
    live = listed(editor_client, state="live")
    assert {"Live now", "Live until tomorrow"} <= live
    assert not live & {"Starts tomorrow", "Ended yesterday", "Switched off"}
    assert "Home page hero — default" in live


@pytest.mark.usefixtures("variants_by_state")
def test_the_variant_list_filters_scheduled_variants(editor_client):
    assert listed(editor_client, state="scheduled") == {"Starts tomorrow"}


@pytest.mark.usefixtures("variants_by_state")
def test_the_variant_list_filters_expired_variants(editor_client):
    # A switched-off variant reads "switched off" in the list, whatever its dates.
    assert listed(editor_client, state="expired") == {"Ended yesterday"}


@pytest.mark.usefixtures("variants_by_state")
def test_the_variant_list_without_a_filter_shows_every_variant(editor_client):
    everything = listed(editor_client)
    assert {"Live now", "Starts tomorrow", "Ended yesterday", "Switched off"} <= everything
    assert len(everything) == 5 + Slot.objects.count()  # and every slot's default


class ChangeListRows(HTMLParser):
    """The admin change list's rows: {"name": …, "state": …} from the cells' field-* classes."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self._row: dict[str, str] | None = None
        self._cell: str | None = None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "tr":
            self._row = {}
        elif tag in ("th", "td") and self._row is not None:
            field = next(
                (c.removeprefix("field-") for c in classes if c.startswith("field-")), None
            )
            self._cell = field
            if field:
                self._row[field] = ""

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self._cell = None
        elif tag == "tr" and self._row:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._row is not None and self._cell:
            self._row[self._cell] = (self._row[self._cell] + " " + data.strip()).strip()


@pytest.mark.usefixtures("variants_by_state")
def test_the_variant_list_shows_each_state(editor_client):
    response = editor_client.get(VARIANTS)
    states = {row["name"]: row["state"] for row in ChangeListRows(response.content.decode()).rows}
    assert states["Live now"] == "live"
    assert states["Live until tomorrow"] == "live"
    assert states["Starts tomorrow"] == "scheduled"
    assert states["Ended yesterday"] == "expired"
    assert states["Switched off"] == "switched off"
    assert states["Home page hero — default"] == "live · default"

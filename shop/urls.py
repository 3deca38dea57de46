from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponseBase
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve

from personalization.experiments.admin_report import urls as experiment_reports

from . import health
from .headers import never_cached

# Sections wrapped in never_cached() show one shopper's basket, orders or account: every page
# in them answers Cache-Control: no-store (so do /why/ and the privacy export and erase pages).
urlpatterns = [
    path("", include("shop.catalog.urls")),
    path("basket/", include(never_cached("shop.basket.urls"))),
    path("checkout/", include(never_cached("shop.checkout.urls"))),
    path("orders/", include(never_cached("shop.orders.urls"))),
    path("stores/", include("shop.stores.urls")),
    path("support/", include(never_cached("shop.support.urls"))),
    path("offers/", include("shop.offers.urls")),
    path("after/", include(never_cached("shop.lifecycle.urls"))),
    path("", include("personalization.urls")),
    path("t/", include("personalization.experiments.urls")),
    path("actions/", include("personalization.actions.urls")),
    path("accounts/messages/", include(never_cached("shop.journeys.urls"))),
    path("accounts/", include(never_cached("accounts.urls"))),
    path("accounts/", include(never_cached("allauth.urls"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Experiment reports: admin pages that the experiments app adds beside its model admin.
    path("admin/experiments/", include(experiment_reports())),
    path("admin/", admin.site.urls),
    path("healthz/", health.live, name="health"),
]

if settings.SERVE_MEDIA:
    # Laptops and tests serve uploads themselves; production puts them behind the CDN.
    def media(request: HttpRequest, path: str) -> HttpResponseBase:
        return serve(request, path, document_root=str(settings.MEDIA_ROOT))

    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", media)]

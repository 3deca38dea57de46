"""Reviews: verified buyers only, one per product and customer, rated 1–5, shown escaped."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shop.lifecycle.models import Review
from shop.orders.models import OrderStatus

pytestmark = pytest.mark.django_db


def review_url(product) -> str:
    return reverse("lifecycle:review", args=[product.pk])


def test_a_buyer_rates_a_product_and_it_shows_escaped_on_the_product_page(
    client, user, make_order, cat_tree
):
    make_order(user=user, products=[cat_tree], status=OrderStatus.DELIVERED)
    client.force_login(user)
    response = client.post(
        review_url(cat_tree),
        {"rating": "4", "comment": "Mochi <script>loves</script> it", "author_name": "Aiko"},
    )
    assert response.status_code == 302
    page = client.get(cat_tree.get_absolute_url()).content.decode()
    assert "4 out of 5" in page and "Aiko" in page
    assert "Mochi &lt;script&gt;loves&lt;/script&gt; it" in page
    assert "<script>loves</script>" not in page


def test_someone_who_did_not_buy_it_cannot_review_it(client, user, make_order, cat_tree):
    make_order(products=[cat_tree], status=OrderStatus.DELIVERED)  # someone else's order
    make_order(user=user, products=[cat_tree], status=OrderStatus.CANCELLED)  # never paid
    client.force_login(user)
    assert client.get(review_url(cat_tree)).status_code == 403
    response = client.post(review_url(cat_tree), {"rating": "5", "author_name": "Ken"})
    assert response.status_code == 403
    assert not Review.objects.exists()


def test_one_review_per_product_and_customer(client, user, make_order, cat_tree):
    make_order(user=user, products=[cat_tree], status=OrderStatus.DELIVERED)
    client.force_login(user)
    client.post(review_url(cat_tree), {"rating": "5", "author_name": "Aiko"})
    again = client.post(review_url(cat_tree), {"rating": "1", "author_name": "Aiko"})
    assert again.status_code == 400
    assert "already reviewed" in again.content.decode()
    assert list(Review.objects.values_list("rating", flat=True)) == [5]


@pytest.mark.parametrize("rating", ["0", "6", "five", ""])
def test_a_rating_outside_one_to_five_is_refused(client, user, make_order, cat_tree, rating):
    make_order(user=user, products=[cat_tree], status=OrderStatus.DELIVERED)
    client.force_login(user)
    response = client.post(review_url(cat_tree), {"rating": rating, "author_name": "Aiko"})
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_a_name_that_hides_characters_is_refused(client, user, make_order, cat_tree):
    make_order(user=user, products=[cat_tree], status=OrderStatus.DELIVERED)
    client.force_login(user)
    response = client.post(review_url(cat_tree), {"rating": "5", "author_name": "Ai\u202eko"})
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_reviewing_needs_an_account(client, cat_tree):
    response = client.get(review_url(cat_tree))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_reviewed_product_is_not_asked_about_again(client, user, make_order, cat_tree):
    import datetime

    from django.utils import timezone

    delivered = timezone.now() - datetime.timedelta(days=12)
    make_order(user=user, products=[cat_tree], status=OrderStatus.DELIVERED,
               at={OrderStatus.DELIVERED: delivered})  # fmt: skip
    client.force_login(user)
    assert "How is the Tall cat tree?" in client.get("/").content.decode()
    client.post(review_url(cat_tree), {"rating": "5", "author_name": "Aiko"})
    assert "How is the Tall cat tree?" not in client.get("/").content.decode()

"""Stripe's official Python library against the payment sandbox, with only the
API base changed: a Checkout Session created, paid on the hosted page and
retrieved; a refund created and retrieved; errors raised as Stripe's
exceptions; and the library's webhook helper accepting the sandbox's
signatures. Prints one JSON summary; any failed check exits non-zero.

Usage: official_client.py <api base> <secret key> <store url>
"""

import http.server
import json
import queue
import sys
import threading
import urllib.parse
import urllib.request

import stripe

api_base, secret_key, store = sys.argv[1:4]
stripe.api_key = secret_key
stripe.api_base = api_base
stripe.max_network_retries = 0

received = queue.Queue()


class Listener(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        received.put((body, self.headers.get("Stripe-Signature")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


listener = http.server.HTTPServer(("127.0.0.1", 0), Listener)
threading.Thread(target=listener.serve_forever, daemon=True).start()
endpoint = stripe.WebhookEndpoint.create(
    url=f"http://127.0.0.1:{listener.server_port}/hook",
    enabled_events=["checkout.session.completed", "charge.refunded"],
)
assert endpoint.secret.startswith("whsec_"), endpoint

session = stripe.checkout.Session.create(
    mode="payment",
    line_items=[
        {
            "price_data": {
                "currency": "eur",
                "unit_amount": 1250,
                "product_data": {"name": "Field Recordings Vol. 1"},
            },
            "quantity": 2,
        }
    ],
    success_url=store + "/?paid={CHECKOUT_SESSION_ID}",
    cancel_url=store + "/",
    client_reference_id="order-from-python",
    metadata={"source": "official client"},
    idempotency_key="python-session-1",
)
assert session.object == "checkout.session" and session.livemode is False, session
assert session.amount_total == 2500 and session.currency == "eur", session
assert session.status == "open" and session.payment_status == "unpaid", session
again = stripe.checkout.Session.create(
    mode="payment",
    line_items=[
        {
            "price_data": {
                "currency": "eur",
                "unit_amount": 1250,
                "product_data": {"name": "Field Recordings Vol. 1"},
            },
            "quantity": 2,
        }
    ],
    success_url=store + "/?paid={CHECKOUT_SESSION_ID}",
    cancel_url=store + "/",
    client_reference_id="order-from-python",
    metadata={"source": "official client"},
    idempotency_key="python-session-1",
)
assert again.id == session.id, (again.id, session.id)

# The buyer pays on the hosted page (a plain form post, as without JavaScript).
form = urllib.parse.urlencode(
    {"email": "buyer@example.com", "number": "4242 4242 4242 4242", "expiry": "12 / 34", "cvc": "123", "name": "Ada Buyer"}
).encode()
with urllib.request.urlopen(urllib.request.Request(session.url, data=form)) as paid:
    landed = paid.geturl()
assert landed == f"{store}/?paid={session.id}", landed

session = stripe.checkout.Session.retrieve(session.id, expand=["line_items"])
assert session.status == "complete" and session.payment_status == "paid", session
assert session.customer_details.email == "buyer@example.com", session
item = session.line_items.data[0]
assert item.quantity == 2 and item.amount_total == 2500, item
assert item.price.unit_amount == 1250 and item.description == "Field Recordings Vol. 1", item

refund = stripe.Refund.create(payment_intent=session.payment_intent, amount=1000)
assert refund.object == "refund" and refund.status == "succeeded" and refund.amount == 1000, refund
assert stripe.Refund.retrieve(refund.id).id == refund.id

errors = {}
try:
    stripe.Refund.create(payment_intent=session.payment_intent, amount=100000)
except stripe.InvalidRequestError as err:
    errors["too_large"] = err.code
try:
    stripe.checkout.Session.retrieve(session.id, api_key="sk_test_wrong")
except stripe.AuthenticationError as err:
    errors["wrong_key"] = err.http_status
try:
    stripe.checkout.Session.retrieve("cs_test_missing")
except stripe.InvalidRequestError as err:
    errors["missing"] = err.code

events = {}
for _ in range(2):
    body, signature = received.get(timeout=15)
    event = stripe.Webhook.construct_event(body, signature, endpoint.secret)
    events[event.type] = event.data.object.id
    try:
        stripe.Webhook.construct_event(body.replace(b"eur", b"usd"), signature, endpoint.secret)
        events["tampered accepted"] = True
    except stripe.SignatureVerificationError:
        pass

print(json.dumps({"session": session.id, "payment_intent": session.payment_intent, "errors": errors, "events": events}))

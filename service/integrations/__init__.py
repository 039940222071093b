"""Webhook integrations: clients that push check-ins in, subscriptions that receive events."""

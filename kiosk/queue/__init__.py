"""The queue engine: reasons of visit, ticket numbering, the ticket state machine, the
service that takes and calls tickets, and queue statistics. Pure Python, no Qt."""

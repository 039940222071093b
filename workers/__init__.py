"""RQ job entry points and worker/scheduler start-up. Thin: the logic lives in ``service``."""

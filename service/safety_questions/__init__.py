"""Asking a partner directly whether they are safe, and acting on the answer."""

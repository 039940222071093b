"""Chat with the coach assistant: conversations, turns, memory."""

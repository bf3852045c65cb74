"""The conversation context staff see in an alert: each chat's last few messages.

Kept in memory only (never written to disk until an alert copies it), bounded per chat, per
message and in the number of chats, so patient text does not pile up. No Telegram in it.
"""
from __future__ import annotations

from collections import OrderedDict, deque


class RecentMessages:
    """The last few messages of each chat, in memory only, to give staff context in an alert."""

    def __init__(self, per_chat: int, max_chats: int = 10000, max_chars: int = 500):
        self.per_chat, self.max_chats, self.max_chars = per_chat, max_chats, max_chars
        self._chats: OrderedDict[int, deque[str]] = OrderedDict()

    def get(self, chat_id: int) -> tuple[str, ...]:
        return tuple(self._chats.get(chat_id, ()))

    def add(self, chat_id: int, text: str) -> None:
        q = self._chats.pop(chat_id, None) or deque(maxlen=self.per_chat)
        q.append(text[: self.max_chars])
        self._chats[chat_id] = q
        while len(self._chats) > self.max_chats:
            self._chats.popitem(last=False)

"""Header-aware chunking of card bodies (LangChain text splitters)."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from service.knowledge.cards import StrategyCard

_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3")]
_header_splitter = MarkdownHeaderTextSplitter(headers_to_split_on=_HEADERS, strip_headers=True)
# MiniLM reads 256 word pieces at most; ~900 characters stays under that for English prose.
_size_splitter = RecursiveCharacterTextSplitter(chunk_size=900, chunk_overlap=120)


@dataclass(frozen=True)
class Chunk:
    ordinal: int
    heading: str
    content: str

    def embedding_text(self, card: StrategyCard) -> str:
        if self.heading == "Sounds like":
            return self.content  # in the partner's voice, like the check-ins it should match
        return f"{card.title}. {card.summary}\n{self.heading}\n{self.content}".strip()


def chunk_card(card: StrategyCard) -> list[Chunk]:
    """The card's body split by headers, then by size; the steps form one chunk of their own."""
    chunks: list[Chunk] = []
    for section in _header_splitter.split_text(card.body):
        heading = " / ".join(str(v) for v in section.metadata.values())
        for piece in _size_splitter.split_text(section.page_content):
            if piece.strip():
                chunks.append(Chunk(len(chunks), heading, piece.strip()))
    steps = "\n".join(f"- {s}" for s in card.steps)
    chunks.append(Chunk(len(chunks), "Steps", steps))
    # One chunk per situation: a short check-in is best matched against a short situation.
    for situation in card.situations:
        chunks.append(Chunk(len(chunks), "Sounds like", situation.strip()))
    return chunks

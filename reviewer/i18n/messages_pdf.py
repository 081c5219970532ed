"""Messages of the pdf layer: key -> (zh_CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
}

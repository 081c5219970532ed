"""Messages of the cli layer: key -> (zh_CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
}

"""Messages of the tui layer: key -> (zh_CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
}

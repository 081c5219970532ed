"""评审通 reviewer: offline expert review panels for the Yunnan trade unions."""

__version__ = "0.1.0"

# the catalogue renders the core's refusals (reviewer.domain.errors.use_renderer)
import reviewer.i18n  # noqa: E402,F401

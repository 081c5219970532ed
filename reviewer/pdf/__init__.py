"""Results PDF, paper score sheets, signing keys, PAdES signatures and their verification.

Entry points (import the submodule; this package imports nothing heavy by itself):
``report.render_results_pdf``, ``sheets.render_score_sheets``, ``keys.generate_identity`` /
``init_ca`` / ``load_ca`` / ``load_signer`` / ``load_pkcs12``, ``signing.sign_pdf`` /
``async_sign_pdf`` / ``verify_pdf`` / ``async_verify_pdf``. Input data: ``model``.
"""

"""Publishing: nbconvert exporters, Chromium PDFs, kernels for unattended runs."""

"""The runner: plan a build, run its notebooks on warm kernels, print, publish atomically."""

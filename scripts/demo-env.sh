# Environment of `make run` (sourced by scripts/serve.sh): the demo behaves like production for its users —
# Chinese 404/403/500 pages, never a traceback — on plain HTTP at this machine. Debug pages are a
# developer's explicit switch: `SSJ_DEBUG=1 make run`.
export SSJ_LOCAL_DEMO=1
export SSJ_DEBUG="${SSJ_DEBUG:-0}"

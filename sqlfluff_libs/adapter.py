"""`adapter` for sqlfluff's jinja templater (.sqlfluff library_path): lint the DuckDB rendering.

dbt resolves `adapter.dispatch('x', 'jixiao')` to duckdb__x, spark__x or default__x by target;
sqlfluff has no adapter, so here dispatch picks duckdb__x, else default__x, from the macros
sqlfluff loaded (macros/). Only for linting: dbt never imports this file.
"""

import jinja2


def dispatch(macro_name, macro_namespace=None):
    @jinja2.pass_context
    def call(context, *args, **kwargs):
        for prefix in ("duckdb__", "default__"):
            macro = context.resolve(prefix + macro_name)
            if not isinstance(macro, jinja2.Undefined):
                return macro(*args, **kwargs)
        raise KeyError(f"no duckdb__ or default__ implementation of {macro_name}")

    return call

"""The low web kit: what every app uses to render and answer (htmx partials, form-error and
rule-error mapping, page and API parameters, the API's error shape, downloads, middleware,
static storage, template filters). It knows Django and p3dn.lib, and no domain: no app is
imported here, and every app may import it."""

// The API reference page: Swagger UI (shipped by the `fastapi-offline` package and served by
// Reelhouse itself) on this server's own OpenAPI document. Nothing is loaded from elsewhere:
// no validator badge, no remote document.
"use strict";
(function () {
  const root = document.getElementById("reference");
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#reference",
    deepLinking: true,
    validatorUrl: null,
    // "Try it out" answers show as they came: business refusals are HTTP 200 too.
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
  });
})();

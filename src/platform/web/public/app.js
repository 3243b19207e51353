import { initAll } from '/assets/govuk/govuk-frontend.min.js';

initAll();

// Rates Content-Security-Policy headers with Google's CSP Evaluator, as
// csp-evaluator.withgoogle.com does: CSP3, the default and the strict-CSP checks.
// stdin: a JSON list of header values; stdout: a JSON list of finding lists.
"use strict";

const { CspEvaluator, DEFAULT_CHECKS, STRICTCSP_CHECKS } = require("csp_evaluator/dist/evaluator.js");
const { CspParser } = require("csp_evaluator/dist/parser.js");
const { Version } = require("csp_evaluator/dist/csp.js");
const { Severity } = require("csp_evaluator/dist/finding.js");

const input = require("fs").readFileSync(0, "utf8");
const rated = JSON.parse(input).map((header) => {
  const parsed = new CspParser(header).csp;
  const evaluator = new CspEvaluator(parsed, Version.CSP3);
  return evaluator.evaluate(undefined, [...DEFAULT_CHECKS, ...STRICTCSP_CHECKS]).map((finding) => ({
    severity: Severity[finding.severity],
    directive: finding.directive,
    value: finding.value ?? null,
    description: finding.description,
  }));
});
process.stdout.write(JSON.stringify(rated));

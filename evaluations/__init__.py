"""The 360-degree evaluation: the statements as versioned data, annual cycles, the employer's
self-assessment, anonymous respondents, the employer's report and the national composite."""

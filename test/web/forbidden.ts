/**
 * Words that reveal how a figure was withheld: which rule, primary or secondary, its interval or
 * its true value are for reviewers only (ARCHITECTURE.md, "Published figures"). No public page
 * or public text of the dashboard may use them, in either language.
 */
export const FORBIDDEN = /primary|secondary|primair|secundair|truth|interval|ware waarde/i;

package org.linkway.provider.measures;

/**
 * The ONS bands for a personal well-being answer. Life satisfaction, worthwhile and happy use
 * LOW (0-4), MEDIUM (5-6), HIGH (7-8) and VERY_HIGH (9-10); anxiety uses VERY_LOW (0-1), LOW (2-3),
 * MEDIUM (4-5) and HIGH (6-10), where higher is worse.
 */
public enum Ons4Band {
  VERY_LOW, LOW, MEDIUM, HIGH, VERY_HIGH
}

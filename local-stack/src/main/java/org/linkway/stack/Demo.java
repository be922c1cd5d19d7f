package org.linkway.stack;

/**
 * The demo data {@code ./linkway up} loads into a healthy stack. The loader lives with the journey
 * driver that plays the GP systems and providers ({@code bench}, which depends on this module), so
 * it is found on the classpath ({@code META-INF/services/org.linkway.stack.Demo}).
 */
public interface Demo {

  /** Loads the demo into the running stack, printing a line per step; fails with a {@link LocalStack.Failure}. */
  void load(LocalStack stack) throws Exception;
}

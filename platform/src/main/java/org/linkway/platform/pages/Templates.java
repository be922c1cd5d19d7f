package org.linkway.platform.pages;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.ui.Model;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/**
 * The one way the pages make HTML: Thymeleaf templates (under {@code templates/}), whole or a fragment
 * of one, rendered by the service's template engine, so every value is escaped the same way.
 *
 * <p>A page's model is a record, one per page or part of a page, built in Java where the compiler
 * checks it: each of its components is a variable of the template, by its name ({@link #page}). A
 * fragment sent on its own (an item down a live stream, a page the security filter answers with before
 * any controller runs) is rendered to a string here by the same engine ({@link #fragment}, {@link #whole}).
 */
public class Templates {

  private final ITemplateEngine engine;

  public Templates(ITemplateEngine engine) {
    this.engine = engine;
  }

  /** The view {@code view}, with the components of each of {@code models} as its variables; returns the view. */
  public static String page(Model model, String view, Record... models) {
    for (Record m : models) model.addAllAttributes(variables(m));
    return view;
  }

  /** The fragment {@code fragment} of {@code template} (e.g. {@code inbox/offer :: card}), with these variables. */
  public String fragment(String template, String fragment, Map<String, ?> variables) {
    return engine.process(template, Set.of(fragment), context(variables));
  }

  /** The fragment, with the components of {@code model} as its variables. */
  public String fragment(String template, String fragment, Record model) {
    return fragment(template, fragment, variables(model));
  }

  /** A whole template, with the components of {@code model} as its variables. */
  public String whole(String template, Record model) {
    return engine.process(template, context(variables(model)));
  }

  /** A record's components by name, as a template's variables. */
  static Map<String, Object> variables(Record model) {
    Map<String, Object> variables = new LinkedHashMap<>();
    for (RecordComponent component : model.getClass().getRecordComponents()) {
      try {
        var accessor = component.getAccessor();
        // a page's record is usually private to its controller's package
        accessor.setAccessible(true);
        variables.put(component.getName(), accessor.invoke(model));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + component.getName() + " of " + model.getClass().getName(), e);
      }
    }
    return variables;
  }

  private static Context context(Map<String, ?> variables) {
    Context context = new Context(Locale.UK);
    variables.forEach(context::setVariable);
    return context;
  }
}

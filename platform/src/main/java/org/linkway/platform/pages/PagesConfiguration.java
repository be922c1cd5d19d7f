package org.linkway.platform.pages;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.thymeleaf.ITemplateEngine;

/**
 * What every service's pages share: signing in and out, the model every page's template gets, and
 * the one way to make HTML ({@link Templates}).
 */
@Configuration(proxyBeanMethods = false)
@Import({SignInController.class, PageModel.class, PageProblems.class})
public class PagesConfiguration {

  @Bean
  Templates templates(ITemplateEngine engine) {
    return new Templates(engine);
  }
}

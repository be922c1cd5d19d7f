package org.linkway.platform.pages;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** What every service's pages share: signing in and out, and the model every page's template gets. */
@Configuration(proxyBeanMethods = false)
@Import({SignInController.class, PageModel.class, PageProblems.class})
public class PagesConfiguration {}

package dev.widescan.arrowsupport.deployment;

import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.ModuleOpenBuildItem;

/**
 * Arrow's memory layer builds {@code DirectByteBuffer}s by reflection, which Java 17 allows only
 * with {@code java.base/java.nio} opened. Declaring it here makes Quarkus open it wherever it runs
 * the application: the fast-jar manifest's {@code Add-Opens}, and the test and dev launchers.
 */
class ArrowSupportProcessor {

  @BuildStep
  ModuleOpenBuildItem openNioToArrow() {
    return new ModuleOpenBuildItem("java.base", "org.apache.arrow.memory.core", "java.nio");
  }
}

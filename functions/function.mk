# What every function's Makefile shares; each sets ROOT (the repository) and MODULE (its folder
# under functions/), includes this file, and makes its build-<LogicalId> targets depend on `package`.
# Maven on a JDK >= 21, the release the build compiles for.
JAVA_HOME := $(shell "$(ROOT)/tools/java-home")
ifeq ($(JAVA_HOME),)
$(error no JDK >= 21: see tools/java-home's message above)
endif
export JAVA_HOME

# The function's deployment package: its shaded jar (the module's, unless a build target sets JAR to
# another of the module's jars), in the artifact's lib/.
JAR ?= $(MODULE)
.PHONY: package
package:
	mvn -B -q -f "$(ROOT)/pom.xml" -pl functions/$(MODULE) -am -DskipTests package
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp "$(ROOT)/functions/$(MODULE)/target/$(JAR).jar" "$(ARTIFACTS_DIR)/lib/"

# Run at build time: writes the engine version and the commit it is built from into
# version.hpp, rewriting the file only when the text changes (so nothing rebuilds needlessly).
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE dirty OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT commit)
  set(commit "unknown")
elseif(dirty)
  string(APPEND commit "-dirty")
endif()
set(text "#pragma once\n// Generated at build time by engine/version.cmake.\nnamespace valinta {\ninline constexpr const char* kVersion = \"${VERSION}\";\ninline constexpr const char* kGitCommit = \"${commit}\";\n}  // namespace valinta\n")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUTPUT} "${text}")
endif()

# Writes the man page valinta(1) with help2man from the CLI's own --help: the program's, then a
# COMMANDS section with each subcommand's. Run as
#   cmake -DVALINTA=path/to/valinta -DHELP2MAN=path/to/help2man -DOUTPUT=valinta.1 -P man-page.cmake
execute_process(COMMAND ${VALINTA} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "valinta --help failed (${rc})")
endif()
# The subcommands are the lines of the "Subcommands:" part of --help.
string(REGEX REPLACE ".*\nSubcommands:\n" "" listed "${help}")
string(REGEX MATCHALL "\n?  [a-z]+ " names "${listed}")
set(include_text "[COMMANDS]\n")
foreach(name IN LISTS names)
  string(STRIP "${name}" name)
  execute_process(COMMAND ${VALINTA} ${name} --help OUTPUT_VARIABLE sub RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "valinta ${name} --help failed (${rc})")
  endif()
  # The program's path is not part of the page.
  string(REGEX REPLACE "Usage: [^ ]*valinta" "Usage: valinta" sub "${sub}")
  string(REPLACE "\\" "\\\\" sub "${sub}")
  string(APPEND include_text ".SS ${name}\n.nf\n${sub}\n.fi\n")
endforeach()
string(APPEND include_text "[ENVIRONMENT]\n.TP\n.B VALINTA_SCENARIOS\n"
       "Folder of the example scenarios (default: share/valinta/scenarios beside the program's bin/).\n"
       "[EXIT STATUS]\n0 success; 1 a failure while running; 2 bad input (the message names file:line:col, "
       "what is wrong and what is allowed); 128 + the signal number when stopped by a signal (130 for SIGINT, 143 for SIGTERM).\n"
       "[SEE ALSO]\nvalinta-analysis(1); the documentation in share/doc/valinta.\n")
get_filename_component(dir "${OUTPUT}" DIRECTORY)
file(MAKE_DIRECTORY "${dir}")
file(WRITE "${OUTPUT}.h2m" "${include_text}")
execute_process(
  COMMAND ${HELP2MAN} --no-info --section=1 --source=Valinta --manual="Valinta manual"
          "--name=simulate freedom-of-choice pilots in social and health care" --include=${OUTPUT}.h2m
          --output=${OUTPUT}.tmp ${VALINTA}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (${rc})")
endif()
file(READ "${OUTPUT}.tmp" page)
string(REGEX REPLACE "Usage: [^ \n]*/valinta" "Usage: valinta" page "${page}")
file(WRITE "${OUTPUT}" "${page}")
file(REMOVE "${OUTPUT}.tmp" "${OUTPUT}.h2m")

# Writes the rpc.discover document of a pipebridge executable to a file, failing the build
# with the executable's own message when it cannot (an older server without `discover`).
#   cmake -DPIPEBRIDGE=<exe> -DOUTPUT=<file> -P discover.cmake
execute_process(COMMAND "${PIPEBRIDGE}" discover
                OUTPUT_FILE "${OUTPUT}.tmp" ERROR_VARIABLE error RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(REMOVE "${OUTPUT}.tmp")
  message(FATAL_ERROR "`${PIPEBRIDGE} discover` failed (${result}): ${error}")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")

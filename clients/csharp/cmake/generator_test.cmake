# The generator on documents other than today's contract: names that clash with framework
# types, with JsonMessage's members and with the generator's own classes must still compile;
# a $ref to a schema the document lacks must fail naming it.
# Generated code is part of the library (PipebridgeClient is partial), so it compiles with its sources.
#   cmake -DMCS=<mcs> -DGENERATOR=<GenerateServices.exe> -DSOURCES=<src dir> -DCASES=<dir> -DOUT=<dir> -P generator_test.cmake
execute_process(COMMAND mono ${GENERATOR} ${CASES}/names_that_clash.json ${OUT}/Clashes.g.cs RESULT_VARIABLE result ERROR_VARIABLE error)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the generator refused names_that_clash.json: ${error}")
endif()
file(GLOB_RECURSE library_sources ${SOURCES}/*.cs)
execute_process(COMMAND ${MCS} -nologo -warnaserror+ -target:library -out:${OUT}/Clashes.dll ${library_sources} ${OUT}/Clashes.g.cs
                RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "code generated from names_that_clash.json does not compile:\n${output}${error}")
endif()
file(READ ${OUT}/Clashes.g.cs code)
foreach(expected "namespace Studio.V2" "public sealed class Task " "public sealed class studio_v2_Contract "
                 "public static class State" "public const string Open = \"STATE_OPEN\";" "public string Json_"
                 "public bool GetList_" "/// A &lt;Task&gt; &amp; its fields." "Chat (bidi_streaming) is served over gRPC only")
  string(FIND "${code}" "${expected}" found)
  if(found EQUAL -1)
    message(FATAL_ERROR "Clashes.g.cs lacks `${expected}`")
  endif()
endforeach()
execute_process(COMMAND mono ${GENERATOR} ${CASES}/dangling_ref.json ${OUT}/Dangling.g.cs RESULT_VARIABLE result ERROR_VARIABLE error)
if(result EQUAL 0 OR NOT error MATCHES "studio.v1.Missing")
  message(FATAL_ERROR "a dangling $ref should fail naming it; got ${result}: ${error}")
endif()
message(STATUS "generator: clashing names compile, dangling $ref refused (${error})")

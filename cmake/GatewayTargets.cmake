# Helpers shared by every folder.

# Warnings as errors on the project's own code only (generated code is compiled without).
function(gateway_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12's optimizer reports false restrict / format-truncation / maybe-uninitialized warnings
    # inside libstdc++'s std::string (GCC bugs 105329, 105651) at -O2/-O3: warnings there, not errors.
    target_compile_options(${target} PRIVATE
      $<$<NOT:$<CONFIG:Debug>>:-Wno-error=restrict -Wno-error=format-truncation -Wno-error=maybe-uninitialized>)
  endif()
  if(GATEWAY_SANITIZE)
    # GCC 12's flow analysis under -fsanitize reports maybe-uninitialized inside libstdc++
    # (std::regex, std::function); keep it a warning there, an error in normal builds.
    target_compile_options(${target} PRIVATE -Wno-error=maybe-uninitialized)
  endif()
endfunction()

# gateway_add_test(<file.cpp> LABEL <unit|integration|e2e> LIBS <targets...>)
# One test executable per file; the test is named after the file and labelled for ctest -L.
function(gateway_add_test source)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "LIBS" ${ARGN})
  get_filename_component(name ${source} NAME_WE)
  set(target "${ARG_LABEL}_${name}")
  add_executable(${target} ${source})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} Boost::unit_test_framework)
  target_compile_definitions(${target} PRIVATE BOOST_TEST_DYN_LINK)
  gateway_strict_warnings(${target})
  add_test(NAME ${target} COMMAND ${target} --log_level=test_suite)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${target} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT})
  if(GATEWAY_SANITIZE)
    # Library-wide caches that are never freed (tests/lsan.supp says which and why).
    set_property(TEST ${target} APPEND PROPERTY ENVIRONMENT
                 "LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/lsan.supp:print_suppressions=0")
  endif()
endfunction()

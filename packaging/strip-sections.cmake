# Run by CPack (CPACK_PRE_BUILD_SCRIPTS) on the files it is about to package, after
# CPACK_STRIP_FILES has stripped the program of its symbols: removes the .comment and .note
# sections as well, which are of no use at run time, as Debian's dh_strip does (lintian:
# binary-has-unneeded-section).
file(GLOB programs "${CPACK_TEMPORARY_DIRECTORY}/${CPACK_PACKAGING_INSTALL_PREFIX}/bin/*")
foreach(program IN LISTS programs)
    execute_process(COMMAND "${CPACK_FANOUT_STRIP}" --remove-section=.comment --remove-section=.note "${program}"
                    RESULT_VARIABLE failed)
    if(failed)
        message(FATAL_ERROR "Cannot remove the .comment and .note sections of ${program}")
    endif()
endforeach()

# Installing Valinta (`cmake --install BUILD --prefix PREFIX`) and packaging it (`cpack` in the
# build tree: a Debian package). The layout, relative to the prefix:
#   bin/valinta, bin/valinta-analysis           the engine and the analysis (report, plots)
#   bin/valinta-workbench                        the policy workbench (a local web application)
#   share/valinta/scenarios/                     the example scenarios and their municipal data
#   share/valinta/python/valinta_analysis/       the analysis package (valinta-analysis finds it)
#   include/valinta/, lib/libvalinta.a            the engine as a C++ library
#   lib/cmake/valinta/                           find_package(valinta) -> valinta::valinta
#   share/man/man1/valinta.1                      made from --help at build time
#   share/bash-completion/completions/valinta    made from the CLI's own options at build time
#   share/doc/valinta/                           README, LICENSE, CITATION.cff and docs/
# The engine finds its scenarios beside its own executable (PREFIX/share/valinta), never through
# a path compiled into it.
include(CMakePackageConfigHelpers)

set(VALINTA_DATA_DIR ${CMAKE_INSTALL_DATADIR}/valinta)
set(VALINTA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/valinta)

# Man page and bash completion, generated from the CLI just built.
set(VALINTA_MAN_PAGE ${CMAKE_BINARY_DIR}/share/man/man1/valinta.1)
set(VALINTA_COMPLETION ${CMAKE_BINARY_DIR}/share/bash-completion/completions/valinta)
find_program(HELP2MAN help2man)
if(HELP2MAN)
  add_custom_command(
    OUTPUT ${VALINTA_MAN_PAGE}
    COMMAND ${CMAKE_COMMAND} -DVALINTA=$<TARGET_FILE:valinta_cli> -DHELP2MAN=${HELP2MAN}
            -DOUTPUT=${VALINTA_MAN_PAGE} -P ${CMAKE_CURRENT_SOURCE_DIR}/packaging/man-page.cmake
    DEPENDS valinta_cli ${CMAKE_CURRENT_SOURCE_DIR}/packaging/man-page.cmake
    COMMENT "Writing the man page from valinta --help")
  add_custom_target(valinta_man ALL DEPENDS ${VALINTA_MAN_PAGE})
  install(FILES ${VALINTA_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found (scripts/install-deps installs it): no man page")
endif()
add_custom_command(
  OUTPUT ${VALINTA_COMPLETION}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/share/bash-completion/completions
  COMMAND $<TARGET_FILE:valinta_cli> completion bash -o ${VALINTA_COMPLETION} --overwrite
  DEPENDS valinta_cli
  COMMENT "Writing the bash completion from the CLI's options")
add_custom_target(valinta_completion ALL DEPENDS ${VALINTA_COMPLETION})
install(FILES ${VALINTA_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# The programs, the scenarios with their data, the analysis package.
install(TARGETS valinta_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/scenarios/ DESTINATION ${VALINTA_DATA_DIR}/scenarios)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/analysis/valinta_analysis ${CMAKE_SOURCE_DIR}/analysis/valinta_workbench
        DESTINATION ${VALINTA_DATA_DIR}/python PATTERN __pycache__ EXCLUDE)
install(PROGRAMS ${CMAKE_CURRENT_SOURCE_DIR}/packaging/valinta-analysis
                 ${CMAKE_CURRENT_SOURCE_DIR}/packaging/valinta-workbench DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/LICENSE ${CMAKE_SOURCE_DIR}/CITATION.cff
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs PATTERN tools EXCLUDE)

# The engine as a C++ library: find_package(valinta) gives valinta::valinta.
install(TARGETS valinta EXPORT valintaTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/valinta DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/generated/valinta/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/valinta)
install(EXPORT valintaTargets NAMESPACE valinta:: DESTINATION ${VALINTA_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_SOURCE_DIR}/packaging/valintaConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/valintaConfig.cmake
                              INSTALL_DESTINATION ${VALINTA_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/valintaConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/valintaConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/valintaConfigVersion.cmake
        DESTINATION ${VALINTA_CMAKE_DIR})

# A Debian package of all of the above under /usr: `cpack -G DEB` in the build tree.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME valinta)
set(CPACK_PACKAGE_VENDOR "The Valinta developers")
set(CPACK_PACKAGE_CONTACT "The Valinta developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "agent-based simulation of freedom-of-choice pilots in social and health care")
set(CPACK_PACKAGE_DESCRIPTION
    "Residents choose among public, private and third-sector producers under a pilot's rules; the\n"
    "engine simulates switching, waiting, visits, referrals and costs from a YAML scenario and\n"
    "writes one HDF5 results file. Includes the example scenarios with real municipal data\n"
    "(Statistics Finland, CC BY 4.0), the analysis report and the engine as a C++ library.")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "python3, python3-numpy, python3-h5py, python3-h5netcdf, python3-pandas, python3-xarray, python3-matplotlib, python3-yaml, python3-flask")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "hdf5-tools")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libyaml-cpp-dev, libhdf5-dev, libeigen3-dev, libboost-dev, librandom123-dev, libfmt-dev")
set(CPACK_SOURCE_IGNORE_FILES "/build/;/\\\\.git/;/results/;__pycache__")
include(CPack)

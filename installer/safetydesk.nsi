; SafetyDesk installer (NSIS 3, Modern UI 2): per-user, no administrator rights needed.
;
; Built by `python installer/build.py`, which passes the frozen bundle and the version:
;   makensis /DBUNDLE_DIR=dist/SafetyDesk /DVERSION=0.1.0 /DVERSION4=0.1.0.0 \
;            /DOUTFILE=dist/SafetyDesk-Setup-0.1.0.exe installer/safetydesk.nsi
; Optional: /DAPP_EXE=SafetyDesk (the Linux bundle, used only to prove this script compiles),
;           /DCOMPRESSOR=zlib|none (faster, larger: for checks; releases use the default, solid LZMA).
;
; What it does: copies the bundle to %LOCALAPPDATA%\Programs\SafetyDesk, adds a Start-menu shortcut,
; an optional desktop shortcut, the .sdpack file type and an entry in Settings > Apps (all under
; HKCU). The uninstaller removes exactly those. It never touches the user's data: workspaces and
; backups live in %LOCALAPPDATA%\SafetyDesk\SafetyDesk (or wherever the user put them — a USB stick,
; a network share), and the remembered language in HKCU\Software\SafetyDesk.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user

!ifndef BUNDLE_DIR
  !error "Pass the one-folder bundle: /DBUNDLE_DIR=dist/SafetyDesk"
!endif
!ifndef VERSION
  !error "Pass the version: /DVERSION=0.1.0 /DVERSION4=0.1.0.0"
!endif
!ifndef VERSION4
  !define VERSION4 "${VERSION}.0"
!endif
!ifndef APP_EXE
  !define APP_EXE "SafetyDesk.exe"
!endif
!ifndef OUTFILE
  !define OUTFILE "SafetyDesk-Setup-${VERSION}.exe"
!endif
!ifndef COMPRESSOR
  !define COMPRESSOR "lzma"
!endif

!define APP_NAME "SafetyDesk"
!define PUBLISHER "SafetyDesk"
!define APP_ID "SafetyDesk"  ; registry key names; never translate
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define PACK_EXT ".sdpack"
!define PACK_PROGID "SafetyDesk.sdpack"
!define ICON "..\resources\icons\safetydesk.ico"

!if "${COMPRESSOR}" == "none"
  SetCompress off  ; a quick compile check (CI); never for a release
!else
  SetCompressor /SOLID ${COMPRESSOR}
!endif
Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "Software\${APP_ID}\Installer" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_NAME} ${VERSION} Setup"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "© ${PUBLISHER}"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "WinVer.nsh"
!include "x64.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_SMALLDESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
; Remember the installer's language for the uninstaller.
!define MUI_LANGDLL_REGISTRY_ROOT HKCU
!define MUI_LANGDLL_REGISTRY_KEY "Software\${APP_ID}\Installer"
!define MUI_LANGDLL_REGISTRY_VALUENAME "Language"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

; The confirm page says in so many words that workspaces and backups stay.
!define MUI_UNCONFIRMPAGE_TEXT_TOP "$(UninstallKeepsData)"
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default; the language dialog preselects the one Windows uses.
!insertmacro MUI_LANGUAGE "Korean"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

LangString SecAppName ${LANG_KOREAN} "SafetyDesk (필수)"
LangString SecAppName ${LANG_ENGLISH} "SafetyDesk (required)"
LangString SecAppDesc ${LANG_KOREAN} "프로그램 파일과 시작 메뉴 바로 가기. 관리자 권한이 필요 없습니다."
LangString SecAppDesc ${LANG_ENGLISH} "The program and its Start-menu shortcut. No administrator rights needed."
LangString SecDesktopName ${LANG_KOREAN} "바탕 화면 바로 가기"
LangString SecDesktopName ${LANG_ENGLISH} "Desktop shortcut"
LangString SecDesktopDesc ${LANG_KOREAN} "바탕 화면에 SafetyDesk 아이콘을 만듭니다."
LangString SecDesktopDesc ${LANG_ENGLISH} "Put a SafetyDesk icon on the desktop."
LangString SecPackName ${LANG_KOREAN} ".sdpack 파일 연결"
LangString SecPackName ${LANG_ENGLISH} ".sdpack file type"
LangString SecPackDesc ${LANG_KOREAN} ".sdpack 파일을 두 번 클릭하면 SafetyDesk로 엽니다."
LangString SecPackDesc ${LANG_ENGLISH} "Open .sdpack files in SafetyDesk with a double click."
LangString PackTypeName ${LANG_KOREAN} "SafetyDesk 자료 묶음"
LangString PackTypeName ${LANG_ENGLISH} "SafetyDesk pack"
LangString NeedsWin10 ${LANG_KOREAN} "SafetyDesk는 64비트 Windows 10 이상에서 실행됩니다."
LangString NeedsWin10 ${LANG_ENGLISH} "SafetyDesk needs 64-bit Windows 10 or later."
LangString UninstallKeepsData ${LANG_KOREAN} "SafetyDesk 프로그램($INSTDIR)만 제거합니다. 작업공간과 백업($LOCALAPPDATA\SafetyDesk\SafetyDesk, USB나 네트워크 폴더의 작업공간 포함)은 지우지 않고 그대로 둡니다."
LangString UninstallKeepsData ${LANG_ENGLISH} "Only the SafetyDesk program ($INSTDIR) is removed. Your workspaces and backups ($LOCALAPPDATA\SafetyDesk\SafetyDesk, and any on a USB stick or network folder) are kept as they are."

Function .onInit
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONSTOP "$(NeedsWin10)" /SD IDOK
    Abort
  ${EndIf}
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

Section "$(SecAppName)" SecApp
  SectionIn RO
  SetShellVarContext current
  ; An update replaces the whole bundle: files a new version no longer ships must not linger.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE_DIR}/*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  WriteRegStr HKCU "Software\${APP_ID}\Installer" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "$(SecDesktopName)" SecDesktop
  SetShellVarContext current
  CreateShortCut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
SectionEnd

Section "$(SecPackName)" SecPack
  ; Per-user file type (HKCU\Software\Classes): no administrator rights, no effect on other users.
  WriteRegStr HKCU "Software\Classes\${PACK_EXT}" "" "${PACK_PROGID}"
  WriteRegStr HKCU "Software\Classes\${PACK_PROGID}" "" "$(PackTypeName)"
  WriteRegStr HKCU "Software\Classes\${PACK_PROGID}\DefaultIcon" "" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "Software\Classes\${PACK_PROGID}\shell\open\command" "" '"$INSTDIR\${APP_EXE}" open "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'  ; SHCNE_ASSOCCHANGED
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} "$(SecAppDesc)"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "$(SecDesktopDesc)"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecPack} "$(SecPackDesc)"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Section "Uninstall"
  SetShellVarContext current
  ; Remove only what the installer put there, by name — never RMDir /r "$INSTDIR" (the user may have
  ; chosen a folder that holds other files) and never the data folder
  ; $LOCALAPPDATA\SafetyDesk\SafetyDesk, where workspaces and backups live.
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"  ; only if now empty

  ReadRegStr $0 HKCU "Software\Classes\${PACK_EXT}" ""
  ${If} $0 == "${PACK_PROGID}"
    DeleteRegKey HKCU "Software\Classes\${PACK_EXT}"
  ${EndIf}
  DeleteRegKey HKCU "Software\Classes\${PACK_PROGID}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${APP_ID}\Installer"
  ; HKCU\Software\SafetyDesk\SafetyDesk (the remembered language, list layouts) is user data: kept.
SectionEnd
